# Two commands do all the set-up on a fresh machine:
#   make run   – install, start the local Neo4j, migrate, load the sample town, serve the API
#   make test  – install, then lint, type-check and run the tests against a real Neo4j
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test setup system-deps lint clean-var

system-deps:
	@command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Java 17 and Maven (for the local Neo4j) and npm (for the GraphiQL assets)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven; \
	    command -v npm >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	  else \
	    echo "Needed: Java 17 and Maven for the local Neo4j (or set NEO4J_URI), and npm for the GraphiQL assets."; \
	    exit 1; \
	  fi; }

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip >/dev/null
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

setup: system-deps $(INSTALLED) node_modules/.package-lock.json

VAR := $(or $(GRIDGRAPH_VAR_DIR),var)

run: setup
	$(BIN)/gridgraph db start
	$(BIN)/gridgraph migrate
	@test -f $(VAR)/sample/manifest.json || $(BIN)/gridgraph sample $(VAR)/sample --scale town --seed 1 --force
	@test -f $(VAR)/neo4j/sample-loaded || { \
	  $(BIN)/gridgraph load $(VAR)/sample --report $(VAR)/sample-import.json && touch $(VAR)/neo4j/sample-loaded; }
	$(BIN)/gridgraph serve

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest
