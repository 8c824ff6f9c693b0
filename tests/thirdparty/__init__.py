"""Third-party readers of the AWS shared files (botocore, aws-sdk-go-v2, the JS SDK v3), for
tests that compare what each SDK reads. The root conftest loads `tests.thirdparty.fixtures`.
"""
