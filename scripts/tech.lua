-- tech.lua: a technology fingerprint by header, e.g. which hosts run PHP.
--   salvo -p tech.lua -a header=X-Powered-By -a match=PHP -f csv -w words.txt

description = "hosts whose response header names a technology"

local header, want = "X-Powered-By", ""

function init(args)
  header = args.header or header
  want = args.match or want
end

function match(res)
  local v = res.headers[header]
  if not v or not v:find(want, 1, true) then return false end
  return true, { [header:lower()] = v, server = res.headers.server or "" }
end
