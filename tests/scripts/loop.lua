-- A runaway loop on one word; a pcall inside must not escape the budget.
function match(res)
  if res.word == "hit-1" then
    while true do pcall(function() while true do end end) end
  end
  return res.status == 200
end
