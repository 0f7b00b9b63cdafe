// placeholder until the store layer lands
