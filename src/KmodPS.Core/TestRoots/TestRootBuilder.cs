using KmodPS.Core.Packages;

namespace KmodPS.Core.TestRoots;

/// <summary>Builds a scenario's system tree (files only: no dkms, rpm or dpkg needed) under a directory.</summary>
public static class TestRootBuilder
{
    public static void Build(string directory, TestRootScenario scenario)
    {
        var tree = new TreeWriter(directory);
        var answers = new TestRootAnswers { Scenario = scenario.ToString() };
        switch (scenario)
        {
            case TestRootScenario.Healthy:
                AlmaScenarios.Build(tree, answers, installed: 2, kmodFor: 2, defaultIndex: 1, available: 2);
                break;
            case TestRootScenario.AlmaNvidiaKmodMissing:
                AlmaScenarios.Build(tree, answers, installed: 3, kmodFor: 1, defaultIndex: 2);
                break;
            case TestRootScenario.AlmaNvidiaBeforeUpdate:
                AlmaScenarios.Build(tree, answers, installed: 1, kmodFor: 1, defaultIndex: 0);
                break;
            case TestRootScenario.DebianDkmsStale:
                DebianScenarios.Build(tree, headersChangedAfterBuild: true, secureBoot: false);
                break;
            case TestRootScenario.SecureBootUntrusted:
                DebianScenarios.Build(tree, headersChangedAfterBuild: false, secureBoot: true);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "Unknown scenario.");
        }
        tree.Text(TestRootAnswers.FilePath, answers.ToJson());
    }
}
