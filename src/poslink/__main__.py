"""``python -m poslink``; also the main file to give spark-submit (``.../poslink/__main__.py``)."""

from poslink.entry import main

main()
