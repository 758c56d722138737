-- Misbehaves on the words that ask for it; every other word is judged
-- normally (a hit for status 200).
--   tt-*     target() returns a table whose __index raises an error
--   tl-*     target() returns a table whose __index loops
--   cloop-*  match() runs a pattern that takes minutes inside C
--   gc-*     match() makes garbage whose __gc loops, and collects it
--   ts-*     match() returns a field whose __tostring loops
function target(w)
  if w:sub(1, 3) == "tt-" then
    return setmetatable({}, {__index = function() error("boom in __index") end})
  end
  if w:sub(1, 3) == "tl-" then
    return setmetatable({}, {__index = function() while true do end end})
  end
  return nil
end

function match(res)
  local w = res.word
  if w:sub(1, 6) == "cloop-" then
    local s = string.rep("q", 400000)
    s:find("q.-x")
  elseif w:sub(1, 3) == "gc-" then
    setmetatable({}, {__gc = function() while true do end end})
    collectgarbage()
  elseif w:sub(1, 3) == "ts-" then
    return true, {f = setmetatable({}, {__tostring = function() while true do end end})}
  end
  return res.status == 200
end
