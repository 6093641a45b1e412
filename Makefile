# EduBureau: `make run` and `make test` are all a fresh machine needs (python3 >= 3.11, make, node/npm).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EB     := $(BIN)/edubureau
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install assets run test lint lock bench clean help

help:
	@echo "make run    安装、迁移、首次生成演示数据并启动 http://$(HOST):$(PORT)  (set up, migrate, demo data, serve)"
	@echo "make test   安装测试依赖并运行全部测试  (install test dependencies, run the whole suite)"
	@echo "make install 仅安装（可重复运行）  (set-up only; safe to repeat)"

install: $(VENV)/.installed assets

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更高版本 / Python >= 3.11 is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.package-lock.json $(VENV)/.installed
	$(BIN)/python scripts/copy_assets.py
	$(EB) collectstatic --noinput --verbosity 0

$(VENV)/.test-installed: requirements-test.lock $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.lock
	touch $@

run: install
	$(EB) migrate --noinput
	$(EB) demo --if-empty
	@echo ""
	@echo "EduBureau 已启动 / running at: http://$(HOST):$(PORT)/   (Ctrl+C 停止 / to stop)"
	@echo "演示账号 demo logins (password $$($(BIN)/python -c 'from edubureau import settings; print(settings.DEMO_PASSWORD)' 2>/dev/null)):"
	@$(EB) user list 2>/dev/null | head -n 20 || true
	$(EB) runserver $(HOST):$(PORT) --noreload

test: install $(VENV)/.test-installed
	$(BIN)/ruff check edubureau tests bench scripts conftest.py
	$(EB) makemigrations --check --dry-run --verbosity 0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check --fix edubureau tests bench scripts conftest.py
	$(BIN)/ruff format edubureau tests bench scripts conftest.py

# Re-pin the locks from a clean environment (run after changing dependencies in pyproject.toml).
lock:
	rm -rf /tmp/eb-lock && $(PYTHON) -m venv /tmp/eb-lock
	/tmp/eb-lock/bin/pip install --quiet . && /tmp/eb-lock/bin/pip freeze --exclude edubureau > requirements.lock
	/tmp/eb-lock/bin/pip install --quiet -r requirements-test.in && /tmp/eb-lock/bin/pip freeze --exclude edubureau | grep -vxFf requirements.lock > requirements-test.lock

bench: install
	$(BIN)/python bench/bench_demo.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_student_list.py
	$(BIN)/python bench/bench_health_alerts.py
	$(BIN)/python bench/bench_admissions_allocate.py
	$(BIN)/python bench/bench_admissions_lottery.py
	$(BIN)/python bench/bench_workplan_docs.py
	$(BIN)/python bench/bench_equity.py
	$(BIN)/python bench/bench_pages.py
	@echo "bench/bench_health_submit.py needs PostgreSQL: DATABASE_URL=postgres://... $(BIN)/python bench/bench_health_submit.py"

clean:
	rm -rf $(VENV) node_modules edubureau/static/vendor var/static
