function match(res)
  return res.status == 200 and
end
