module github.com/ighealth/intelligems-health-action

go 1.26.8

require (
	github.com/sethvargo/go-envconfig v1.4.3
	github.com/sethvargo/go-githubactions v1.3.2
	github.com/sethvargo/go-retry v0.5.0
	github.com/slack-go/slack v0.36.0
	github.com/stretchr/testify v1.12.1
	gonum.org/v1/gonum v0.17.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/gorilla/websocket v1.5.3 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)
