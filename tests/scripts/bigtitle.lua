-- A title too big for the script's memory cap (4 MB with --lua-memory
-- 4194304): salvo.title() fails on every "big" word and must leave nothing
-- behind; other words hit as usual.
function match(res)
  if res.word:sub(1, 3) == "big" then
    local x = string.rep("x", 1500000)
    local html = "<title>" .. x .. "</title>"
    local t = salvo.title(html)
    return #t + #x > 0
  end
  return res.status == 200
end
