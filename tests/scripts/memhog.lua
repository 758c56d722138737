-- Eats memory on one word: that probe fails, the state recovers.
function match(res)
  if res.word == "hit-1" then
    local t = {}
    for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end
  end
  return res.status == 200
end
