"""Gradient boosting: scikit-learn's HistGradientBoosting, XGBoost and (optional) LightGBM and CatBoost.

All take NaN and categoricals natively (no imputation; ordinal codes first). All but CatBoost stop
early on an inner split of the training rows.
"""

from __future__ import annotations

from automl.families.base import FitContext, ModelFamily
from automl.preprocess.encode import PrepOptions
from automl.task import BINARY, MULTICLASS, REGRESSION

_ALL = frozenset({BINARY, MULTICLASS, REGRESSION})
# On tables up to this many rows, the boosted models are fit again on all their training rows with the
# rounds early stopping chose on the inner split (benchmarks/es_refit_choice.py measured when that pays for
# its time). Decided by the table, so a trial's fold models are the same kind of model as the exported one.
REFIT_ROUNDS_MAX_ROWS = 10_000
# HistGradientBoosting's early stopping: the share of the training rows held out, and how many iterations
# without improvement end it. Its default point cross-validated on the 18 training parts against these
# (benchmarks/hgb_stopping_choice.py): patience 50 better on 0, worse on 1, ties 17 (x1.24 fit time); a 20 %
# split better on 5, worse on 3, ties 10 (and on two inner 80 % splits of each, a one-off run: better on 7,
# worse on 9, ties 20). On small tables the stopping round is noisy whichever is used; neither was adopted.
HGB_VALIDATION_FRACTION = 0.1
HGB_PATIENCE = 20
_NATIVE = PrepOptions(impute=False, native_categorical=True)


def _refit_rounds(ctx: FitContext) -> bool:
    return (ctx.n_rows if ctx.table_rows is None else ctx.table_rows) <= REFIT_ROUNDS_MAX_ROWS


def make_hist_gradient_boosting(params: dict, ctx: FitContext):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    from automl.families._hgb import RefitRoundsHGB

    cls = HistGradientBoostingRegressor if ctx.task == REGRESSION else HistGradientBoostingClassifier
    cats = list(range(ctx.n_native_categorical)) or None
    model = cls(**params, max_iter=1000, early_stopping=True, validation_fraction=HGB_VALIDATION_FRACTION,
                n_iter_no_change=HGB_PATIENCE, categorical_features=cats, random_state=ctx.seed)
    return RefitRoundsHGB(model, refit_rounds=_refit_rounds(ctx))


def make_xgboost(params: dict, ctx: FitContext):
    from automl.families._xgb import EarlyStoppingXGBClassifier, EarlyStoppingXGBRegressor

    common = dict(n_categorical=ctx.n_native_categorical, tree_method="hist", early_stopping_rounds=50,
                  n_jobs=ctx.n_jobs, random_state=ctx.seed, max_cat_to_onehot=1,
                  refit_rounds=_refit_rounds(ctx))
    if ctx.task == REGRESSION:
        return EarlyStoppingXGBRegressor(**params, **common)
    if ctx.task == BINARY:
        return EarlyStoppingXGBClassifier(**params, **common, objective="binary:logistic", eval_metric="logloss")
    return EarlyStoppingXGBClassifier(**params, **common, objective="multi:softprob", eval_metric="mlogloss")


def make_lightgbm(params: dict, ctx: FitContext):
    from automl.families._lgbm import EarlyStoppingLGBMClassifier, EarlyStoppingLGBMRegressor

    cls = EarlyStoppingLGBMRegressor if ctx.task == REGRESSION else EarlyStoppingLGBMClassifier
    return cls(**params, n_categorical=ctx.n_native_categorical, subsample_freq=1, n_jobs=ctx.n_jobs,
               random_state=ctx.seed, verbose=-1, refit_rounds=_refit_rounds(ctx))


def make_catboost(params: dict, ctx: FitContext):
    from automl.families._catboost import CatBoostClassifierModel, CatBoostRegressorModel

    cls = CatBoostRegressorModel if ctx.task == REGRESSION else CatBoostClassifierModel
    return cls(**params, n_categorical=ctx.n_native_categorical, n_jobs=ctx.n_jobs, random_state=ctx.seed)


HIST_GRADIENT_BOOSTING = ModelFamily(
    "hist_gradient_boosting", _ALL, make_hist_gradient_boosting, prep=_NATIVE, log_loss_fit=True,
    description="histogram gradient boosting (scikit-learn)",
)
XGBOOST = ModelFamily("xgboost", _ALL, make_xgboost, prep=_NATIVE, log_loss_fit=True,
                      description="gradient boosting (XGBoost)")
LIGHTGBM = ModelFamily("lightgbm", _ALL, make_lightgbm, prep=_NATIVE, requires="lightgbm", log_loss_fit=True,
                       description='gradient boosting (LightGBM; optional: pip install "automl[lightgbm]")')
# Opt-in (include=["default", "catboost"]): searched alongside the default families at 60 s on this 2-core
# machine, it was better on 8 of 34 training-part holdouts (17 datasets x 2 seeds), worse on 7, tied on 19
# (benchmarks/catboost_choice.py): neutral, for a ~300 MB dependency.
CATBOOST = ModelFamily("catboost", _ALL, make_catboost, prep=_NATIVE, requires="catboost", log_loss_fit=True,
                       default_search=False,
                       description='gradient boosting (CatBoost; optional: pip install "automl[catboost]"; opt-in)')
