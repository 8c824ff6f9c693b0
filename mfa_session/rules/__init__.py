"""What the AWS files, the flags and the environment mean: standard library only, so the fast paths
import them before anything heavy.
"""
