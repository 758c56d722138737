-- Fails on some words, the same message each time: shown once, counted all.
function match(res)
  if res.word:find("^hit%-") then
    local t = nil
    return t.field
  end
  return false
end
