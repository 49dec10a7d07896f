"""``python -m poslink``; also the main file to give spark-submit (``.../poslink/__main__.py``)."""

from poslink.cli import main

main()
