"""The Spark engine (``pip install 'poslink[spark]'``): PySpark imported only when it runs."""

from poslink.engines.spark.engine import SparkEngine, SparkOptions

__all__ = ["SparkEngine", "SparkOptions"]
