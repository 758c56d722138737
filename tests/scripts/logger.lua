-- salvo.log reaches salvo's stderr; salvo.regex with captures.
function match(res)
  local whole, n = salvo.regex(res.word, "^hit-(\\d+)$")
  if whole then salvo.log("saw", n) end
  return whole ~= nil, { n = n }
end
