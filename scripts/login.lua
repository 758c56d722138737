-- login.lua: login pages, found by their title, with the title as a field.
--   salvo -p login.lua -f jsonl -u 'https://{}.example.com/' -w words.txt
-- [plugin] words = a Lua pattern list separated by '|' (default below).

description = "pages whose title says they are a login page"

local words = { "sign in", "log in", "login", "logon", "登录", "登陆", "password" }

function init(args)
  if args.words then
    words = {}
    for w in args.words:gmatch("[^|]+") do words[#words + 1] = w:lower() end
  end
end

function match(res)
  if res.status ~= 200 then return false end
  local title = salvo.title(res.text)
  if not title then return false end
  local low = title:lower()
  for _, w in ipairs(words) do
    if low:find(w, 1, true) then return true, { title = title } end
  end
  return false
end
