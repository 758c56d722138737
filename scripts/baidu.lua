-- baidu.lua: the default probe, in Lua. A word is a subdomain of baidu.com;
-- it is a hit when the page answers 200 and its text, decoded to UTF-8 by
-- its charset, lacks 不存在 ("does not exist"), the site's soft-404.
--
--   salvo -p scripts/baidu.lua -w conf/words.txt
--
-- [plugin] soft404 = TEXT replaces the soft-404 marker.

description = "subdomains that answer 200 without the 不存在 soft-404"

local marker = "不存在"

function init(args)
  if args.soft404 then
    if args.soft404 == "" then return false, "soft404 must not be empty" end
    marker = args.soft404
  end
end

-- Like the compiled plugin: a word that is not a host-name label would
-- make another URL than word.baidu.com, so it is an error for that word.
function target(word)
  if word:find("[^%w%-_%.\128-\255]") then
    return false, "not a host name label"
  end
  return nil -- the template makes the URL
end

function match(res)
  return res.status == 200 and not res.text:find(marker, 1, true)
end
