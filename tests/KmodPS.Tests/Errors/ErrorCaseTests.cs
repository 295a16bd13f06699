using System.Security.Cryptography;
using KmodPS.Tests.Engine;
using KmodPS.Tests.Lab;

namespace KmodPS.Tests.Errors;

/// <summary>
/// Runs every case of tests/pester/ErrorCases.psd1 in the hosted engine, as KmodPS.ErrorIds.Tests.ps1 does under Pester:
/// the command must fail with its stable id under $ErrorActionPreference = 'Stop' and leave the test root unchanged.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class ErrorCaseTests : IDisposable
{
    private readonly PowerShellSession _ps;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kmodps-errors-" + Guid.NewGuid().ToString("N"));

    public ErrorCaseTests(SharedSession shared)
    {
        _ps = shared.Session;
    }

    public static TheoryData<string> CaseIds() => new(ErrorCatalogue.Cases.Where(c => c.HostTools.Count == 0).Select(c => c.Id));

    public static TheoryData<string> HostToolCaseIds() => new(ErrorCatalogue.Cases.Where(c => c.HostTools.Count > 0).Select(c => c.Id));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void TheCommandFailsWithItsIdAndChangesNothing(string id) => FailsWithItsIdAndChangesNothing(id);

    // These run a host program (grub-editenv) on the test root: a lab tool, absent on a fresh machine.
    [LabTheory]
    [MemberData(nameof(HostToolCaseIds))]
    public void WithTheHostToolTheCommandFailsWithItsIdAndChangesNothing(string id) => FailsWithItsIdAndChangesNothing(id);

    private void FailsWithItsIdAndChangesNothing(string id)
    {
        var errorCase = ErrorCatalogue.Cases.Single(c => c.Id == id);
        var root = Path.Combine(_directory, id);
        var variables = new Dictionary<string, object?> { ["root"] = root, ["scenario"] = errorCase.Scenario, ["setup"] = errorCase.Setup ?? string.Empty, ["command"] = errorCase.Command };

        var prepared = _ps.Run("& { $ErrorActionPreference = 'Stop'; New-KmodTestRoot $root -Scenario $scenario | Out-Null; . ([scriptblock]::Create($setup)) }", variables);
        Assert.True(prepared.Terminating is null && prepared.Errors.Count == 0, $"setup failed: {prepared.Terminating ?? prepared.Errors.FirstOrDefault()}");
        var before = Snapshot(root);

        var run = _ps.Run("& { $ErrorActionPreference = 'Stop'; . ([scriptblock]::Create($command)) | Out-Null }", variables);

        // Under 'Stop' every failure must surface as a thrown, catchable exception (what Should -Throw sees).
        var error = run.Terminating;
        Assert.True(error is not null, $"{errorCase.Command} did not throw");
        Assert.True(error!.FullyQualifiedErrorId.StartsWith(id + ",KmodPS.Commands.", StringComparison.Ordinal), $"{error.FullyQualifiedErrorId}: {error}");
        var after = Snapshot(root);
        Assert.True(before.SequenceEqual(after), "the root changed: " + string.Join(", ", after.Except(before).Select(e => e.Key).Concat(before.Keys.Except(after.Keys).Select(k => "-" + k))));
    }

    private static SortedDictionary<string, string> Snapshot(string root)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(root, entry.FullName)] = entry switch
            {
                { LinkTarget: { } target } => "-> " + target,
                FileInfo file => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file.FullName))),
                _ => "directory",
            };
        }
        return files;
    }
}
