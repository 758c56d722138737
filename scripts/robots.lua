-- robots.lua: what robots.txt and sitemap.xml name, scanned too.
--
-- Give it words that include robots.txt (and sitemap.xml if the site has
-- one at its root) on a template of the site's paths:
--
--   salvo -p scripts/robots.lua -u https://example.com/{} -w words.txt
--
-- The paths of robots.txt's Allow and Disallow lines (cut before a * or $
-- pattern) and its Sitemap URLs, and every <loc> of a sitemap or sitemap
-- index, are followed (salvo.follow): each is probed once, with its own
-- output line, depth and parent. A URL the template cannot make (another
-- site, another base path) is passed over. Every answer but 404 and 410
-- is a hit, so a path robots.txt hides shows up with its status.

local function follow(x)
  -- false, not an error, for a URL of another site
  return pcall(salvo.follow, x)
end

local function robots(text)
  for line in text:gmatch("[^\r\n]+") do
    local key, value = line:match("^%s*([%a-]+)%s*:%s*(%S+)")
    key = key and key:lower()
    if (key == "allow" or key == "disallow") and value:sub(1, 1) == "/" then
      local path = value:gsub("[%*%$].*$", "")
      if #path > 1 then follow(path) end
    elseif key == "sitemap" then
      follow(value)
    end
  end
end

local function sitemap(text)
  for loc in text:gmatch("<loc>%s*(.-)%s*</loc>") do
    follow((loc:gsub("&amp;", "&")))
  end
end

function match(res)
  if res.status == 404 or res.status == 410 then return false end
  if res.status == 200 then
    local text = res.text
    if res.url:match("/robots%.txt$") then
      robots(text)
    elseif text:find("<urlset", 1, true) or text:find("<sitemapindex", 1, true) then
      sitemap(text)
    end
  end
  return true
end
