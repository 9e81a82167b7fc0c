# Runs CPython test names with unittest and writes each test's outcome to a JSON file:
#   python3.13 scripts/conformance_runner.py OUT.json test.test_multiprocessing_fork.test_misc ...
# Outcomes are ok, fail, error, skip, xfail (expected failure) and xpass (unexpected success).
import json
import sys
import unittest


class Outcomes(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    def _set(self, test, outcome):
        # A class or module fixture that fails is reported under a pseudo-test: keep its name.
        self.outcomes[test.id() if hasattr(test, 'id') else str(test)] = outcome

    def addSuccess(self, test):
        super().addSuccess(test)
        self.outcomes.setdefault(test.id(), 'ok')

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._set(test, 'fail')

    def addError(self, test, err):
        super().addError(test, err)
        self._set(test, 'error')

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._set(test, 'skip')

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._set(test, 'xfail')

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._set(test, 'xpass')

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            self._set(test, 'fail' if failed else 'error')


def main():
    out, names = sys.argv[1], sys.argv[2:]
    suite = unittest.defaultTestLoader.loadTestsFromNames(names)
    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=1, resultclass=Outcomes)
    result = runner.run(suite)
    with open(out, 'w') as handle:
        json.dump(result.outcomes, handle)


if __name__ == '__main__':
    main()
