module parley.bench/baseline

go 1.19
