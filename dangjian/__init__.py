"""dangjian — 党建工作记录系统."""
