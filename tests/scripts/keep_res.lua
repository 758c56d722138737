-- Keeps res past match(): the next use must raise, not crash.
local kept
function match(res)
  if kept then
    local ok, err = pcall(function() return kept.status end)
    kept = res
    return true, { late = tostring(ok) .. " " .. tostring(err):match("res used after match%(%) returned") }
  end
  kept = res
  return false
end
