print("parley-conform")
