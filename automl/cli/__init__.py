"""The `automl` command line: a thin layer over automl.fit / automl.load."""
