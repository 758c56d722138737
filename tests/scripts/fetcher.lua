-- What salvo.fetch() does and refuses, one word a case (it_fetch).
local function spin(n) local x = 0 for i = 1, n do x = x + i end return x end

function target(word)
  if word == "intarget" then salvo.fetch("/") end
  return nil
end

function match(res)
  local w = res.word
  if w == "scope" then salvo.fetch("http://elsewhere.test/") end
  if w == "loop" then while true do salvo.fetch("/g-real/.git/HEAD") end end
  if w == "raise" then
    local r = salvo.fetch("/nope-" .. w)
    error("after the fetch: " .. r.status)
  end
  if w == "relative" then
    local r = salvo.fetch("/g-real/.git/config")
    return r.status == 200 and r.body:find("[core]", 1, true) ~= nil
  end
  if w == "table" then
    local r = salvo.fetch{url = res.url:gsub("table$", "g-real/.git/config"), method = "GET",
                          headers = {["X-Fetch"] = "1"}}
    return r.status == 200, {fetched = r.url}
  end
  if w == "pcall" then
    local ok, r = pcall(salvo.fetch, "/g-real/.git/config")
    return ok and r.status == 200
  end
  if w == "keep" then
    local a = salvo.fetch("/g-real/.git/config")
    local b = salvo.fetch("/g-fake/.git/HEAD")
    return a.body:find("core", 1, true) ~= nil and b.body:find("ref", 1, true) ~= nil
      and res.status == 404
  end
  if w == "down" then
    local r = salvo.fetch("http://127.0.0.1:1/")
    return r.error ~= nil, {class = r.error_class}
  end
  if w == "budget" then
    spin(350000)
    salvo.fetch("/g-real/.git/HEAD")
    spin(350000)
    return true
  end
  return false
end
