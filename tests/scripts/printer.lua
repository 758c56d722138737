-- print() from a script: it must never reach the results stream.
function match(res)
  print("PRINTED " .. res.word)
  return res.status == 200
end
