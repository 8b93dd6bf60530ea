"""Scale-out: the same batch functions on Dask over Parquet, retention."""
