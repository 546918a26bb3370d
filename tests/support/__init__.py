"""Test doubles and helpers shared by the tests of every area and by the benchmarks.

Plain functions, classes and constants only: the fixtures that use them are in the conftest
files.
"""
