"""Model families: a registry of estimator factories, each with its search space in search_spaces/."""
