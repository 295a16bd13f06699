using KmodPS.Tests.Engine;
using KmodPS.Tests.Errors;
using KmodPS.Tests.Guard;
using KmodPS.Tests.Lab;

namespace KmodPS.Tests.Jail;

/// <summary>A link planted in a root, pointing at a victim outside it (absolute, or relative and climbing past the root).</summary>
public sealed record HostileLink(string Path, bool Relative = false)
{
    public override string ToString() => Relative ? Path + " (relative)" : Path;
}

/// <summary>
/// A copy of a root with one hostile link and the victims it points at in a separate directory outside the root:
/// whatever the changing cmdlets do, no byte outside the root may change.
/// </summary>
public sealed class HostileRoot : IDisposable
{
    private readonly LabWorldCopy _copies = new();

    public HostileRoot(string source, HostileLink link)
    {
        Root = _copies.Copy(source);
        Outside = _copies.Directory();
        var inRoot = Root + link.Path;
        var victim = System.IO.Path.Combine(Outside, link.Path.Trim('/').Replace('/', '_'));
        if (System.IO.Directory.Exists(inRoot) && new FileInfo(inRoot).LinkTarget is null)
        {
            // The victim is a copy of what the root had there, so the cmdlets find plausible content to change.
            Shell.Stdout("cp", "-a", inRoot, victim);
            Shell.Stdout("rm", "-rf", inRoot);
        }
        else if (File.Exists(inRoot))
        {
            File.Copy(inRoot, victim);
            File.Delete(inRoot);
        }
        else
        {
            System.IO.Directory.CreateDirectory(victim);
            File.WriteAllText(System.IO.Path.Combine(victim, "victim"), "outside the root\n");
        }
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(inRoot)!);
        var climb = string.Concat(Enumerable.Repeat("../", link.Path.Count(c => c == '/') + Root.Count(c => c == '/') + 2));
        File.CreateSymbolicLink(inRoot, link.Relative ? climb + victim.TrimStart('/') : victim);
    }

    public string Root { get; }

    public string Outside { get; }

    /// <summary>Every entry outside the root with its mode and content hash.</summary>
    public SortedDictionary<string, string> Victims() => LabWorldCopy.Entries(Outside);

    public void Dispose() => _copies.Dispose();

    /// <summary>
    /// Runs each command against the root (with -Confirm:$false, or -WhatIf) and asserts that nothing outside it
    /// changed and that every error has a stable id: a cmdlet may succeed inside the root or refuse, never escape.
    /// </summary>
    public void RunAndAssertNothingOutsideChanged(PowerShellSession session, IEnumerable<string> commands, bool whatIf)
    {
        var before = Victims();
        foreach (var command in commands)
        {
            var result = session.Run($"{command} -Root $root {(whatIf ? "-WhatIf" : "-Confirm:$false")} -WarningAction SilentlyContinue -ErrorAction Continue",
                new Dictionary<string, object?> { ["root"] = Root });
            var ids = result.Errors.Append(result.Terminating).OfType<System.Management.Automation.ErrorRecord>().Select(e => e.FullyQualifiedErrorId.Split(',')[0]);
            Assert.All(ids, id => Assert.True(ErrorCatalogue.KnownIds.Contains(id), $"{command}: {id} is not a stable KmodPS error id"));
            var after = Victims();
            Assert.True(before.SequenceEqual(after), $"{command}{(whatIf ? " -WhatIf" : string.Empty)} changed files outside the root:\n{LabWorldCopy.Diff(before, after)}");
        }
    }
}
