module roomwsgo

go 1.19
