-- git.lua: a .git directory left on a web server, confirmed with a second
-- request. A HEAD that answers 200 is only a hint: catch-all pages and
-- soft-404s answer 200 to anything. Only when the repository's config,
-- fetched from the same place, looks like git's too is it a hit.
--
--   salvo -p scripts/git.lua -u 'http://{}.example.com/.git/HEAD' -w hosts.txt
--   salvo -p scripts/git.lua -u 'https://example.com/{}/.git/HEAD' -w dirs.txt
--
-- salvo.fetch() does not hold up the scan: match() waits for its answer
-- while the worker's other probes go on.

description = "exposed .git directories, HEAD confirmed by the repository's config"

local function looks_like_head(body)
  return body:match("^ref: refs/") or body:match("^%x%x%x%x%x%x%x%x+%s*$")
end

function match(res)
  if res.status ~= 200 or not looks_like_head(res.body) then
    return false
  end
  local config = salvo.fetch((res.url:gsub("HEAD$", "config")))
  if config.error or config.status ~= 200 or not config.body:find("[core]", 1, true) then
    return false
  end
  return true, {git_head = res.body:gsub("%s+$", ""), git_config_bytes = #config.body}
end
