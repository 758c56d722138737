-- token.lua: pages that leak a credential-looking token, with the token.
-- The pattern is a PCRE2 regex; set another with -a pattern='...'.
--
--   salvo -p scripts/token.lua -u 'https://{}.example.com/config.js' -f jsonl -w words.txt

description = "pages whose text holds a token matching a regex"

local pattern = [[(?:api[_-]?key|access[_-]?token|secret)["'\s:=]+([A-Za-z0-9_\-]{16,})]]

function init(args)
  pattern = args.pattern or pattern
  salvo.regex("", pattern) -- a bad pattern stops the scan here, not per page
end

function match(res)
  if res.status ~= 200 then return false end
  local whole, token = salvo.regex(res.text, pattern)
  if not whole then return false end
  return true, { token = token or whole }
end
