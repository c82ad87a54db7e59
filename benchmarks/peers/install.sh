#!/usr/bin/env bash
# Install the peer AutoML systems of benchmarks/compare.py, each into its own virtualenv:
# they pin versions of numpy/pandas/scikit-learn/xgboost that conflict with ours.
#
#     bash benchmarks/peers/install.sh            # both, into benchmarks/out/envs/{flaml,autogluon}
#     bash benchmarks/peers/install.sh flaml      # just one
#
# AutoGluon wants torch: torch==2.13.0 (a CPU wheel this machine has on disk) is installed first,
# so pip never pulls a multi-GB CUDA build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
envs="${AUTOML_PEER_ENVS:-$here/../out/envs}"
python="${PYTHON:-python3}"
mkdir -p "$envs"

FLAML_VERSION=2.8.0
AUTOGLUON_VERSION=1.6.3
TORCH_VERSION=2.13.0

install_flaml() {
    "$python" -m venv "$envs/flaml"
    "$envs/flaml/bin/pip" install -q -U pip
    "$envs/flaml/bin/pip" install -q "flaml[automl]==$FLAML_VERSION" psutil
    "$envs/flaml/bin/python" -c "import flaml; print('flaml', flaml.__version__)"
}

install_autogluon() {
    "$python" -m venv "$envs/autogluon"
    "$envs/autogluon/bin/pip" install -q -U pip
    "$envs/autogluon/bin/pip" install -q "torch==$TORCH_VERSION"
    "$envs/autogluon/bin/pip" install -q "autogluon.tabular[all]==$AUTOGLUON_VERSION" "torch==$TORCH_VERSION" psutil
    "$envs/autogluon/bin/python" -c "import autogluon.tabular as t, torch; print('autogluon', t.__version__, 'torch', torch.__version__)"
}

for peer in "${@:-flaml autogluon}"; do
    for p in $peer; do "install_$p"; done
done
