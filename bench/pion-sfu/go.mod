module pionsfu

go 1.19
