using KmodPS.Core.Dkms;
using KmodPS.Core.Models;
using KmodPS.Tests.Engine;
using Xunit.Abstractions;

namespace KmodPS.Tests.Lab;

/// <summary>
/// The differential: small DKMS packages in the shapes of dkms's own test suite (several versions, a package replacing
/// another's module, build-exclusive, a failing build, BUILD_DEPENDS, no autoinstall, a hand-replaced .ko) are driven
/// through add, build, install, uninstall, unbuild and remove by the real dkms on the lab's headers kernel, in a private
/// world (tests/lab/lib/dkms-world.sh). After every step Get-KernelModuleStatus -Provider Dkms must say what
/// <c>dkms status</c> says: the same (package, kernel, state) rows, and dkms's "Diff" warning as the row's reason.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class DkmsDifferentialLabTests : IDisposable
{
    private static readonly string K = LabEnvironment.DebianKernel;
    private readonly LabWorlds _lab;
    private readonly ITestOutputHelper _output;
    private readonly PowerShellSession _ps = new();
    private readonly string _world;

    public DkmsDifferentialLabTests(LabWorlds lab, ITestOutputHelper output)
    {
        _lab = lab;
        _output = output;
        _world = Path.Combine(LabEnvironment.Directory, $".dkmsdiff-{Guid.NewGuid():N}");
    }

    public void Dispose()
    {
        _ps.Dispose();
        Shell.Run("rm", TimeSpan.FromMinutes(2), "-rf", _world);
    }

    [LabFact]
    public void EveryStateOfTheDkmsTestShapesReadsAsDkmsStatus()
    {
        MakeWorld();
        Package("kmodpsdiff_multi", "1.0");
        Package("kmodpsdiff_multi", "2.0");
        Package("kmodpsdiff_test", "1.0");
        Package("kmodpsdiff_replace", "2.0", module: "kmodpsdiff_test");
        Package("kmodpsdiff_dep", "1.0", extra: "BUILD_DEPENDS=\"kmodpsdiff_test\"");
        Package("kmodpsdiff_noauto", "1.0", autoinstall: false);
        Package("kmodpsdiff_excl", "1.0", extra: "BUILT_MODULE_NAME[1]=\"kmodpsdiff_excl2\"\nDEST_MODULE_LOCATION[1]=\"/updates/dkms\"\nBUILD_EXCLUSIVE_ARCH=\"none\"");
        Package("kmodpsdiff_exclk", "1.0", extra: "BUILD_EXCLUSIVE_KERNEL=\"^2\\.6\\.\"");
        Package("kmodpsdiff_exclc", "1.0", extra: "BUILD_EXCLUSIVE_CONFIG=\"CONFIG_MODULES !CONFIG_KMODPSDIFF_NEVER CONFIG_KMODPSDIFF_NEVER\"");
        Package("kmodpsdiff_fail", "1.0", failing: true);

        // Several versions of one module.
        Step("add", "kmodpsdiff_multi/1.0");
        Step("add", "kmodpsdiff_multi/2.0");
        Step("build", "kmodpsdiff_multi/2.0", "-k", K);
        Step("install", "kmodpsdiff_multi/2.0", "-k", K);
        var older = Step("build", "kmodpsdiff_multi/1.0", "-k", K);
        var olderBuilt = older.Single(r => r.Package == "kmodpsdiff_multi/1.0");
        Assert.Equal(ModuleState.Built, olderBuilt.State);
        Assert.DoesNotContain("'dkms install", olderBuilt.Reason);
        // dkms records the older install but keeps the newer file: its status warns, and so does the row.
        var downgraded = Step("install", "kmodpsdiff_multi/1.0", "-k", K).Single(r => r.Package == "kmodpsdiff_multi/1.0");
        Assert.Contains("kmodpsdiff_multi/2.0's build", downgraded.Reason);
        Step("uninstall", "kmodpsdiff_multi/1.0", "-k", K);
        var unbuilt = Step("unbuild", "kmodpsdiff_multi/1.0", "-k", K);
        Assert.DoesNotContain("never built", unbuilt.Single(r => r.Package == "kmodpsdiff_multi/1.0").Reason);
        Step("remove", "kmodpsdiff_multi/1.0", "--all");
        Step("remove", "kmodpsdiff_multi/2.0", "--all");

        // An original and a package that replaces its module; then a copy put in by hand.
        Step("add", "kmodpsdiff_test/1.0");
        Step("build", "kmodpsdiff_test/1.0", "-k", K);
        Step("install", "kmodpsdiff_test/1.0", "-k", K);
        var beside = Step("add", "kmodpsdiff_replace/2.0");
        Assert.Contains(beside, r => r.Package == "kmodpsdiff_replace/2.0" && r.State == ModuleState.Added);
        Step("build", "kmodpsdiff_replace/2.0", "-k", K);
        var both = Step("install", "kmodpsdiff_replace/2.0", "-k", K);
        Assert.Equal(2, both.Count(r => r.Name == "kmodpsdiff_test" && r.State == ModuleState.Installed));
        // Uninstalling the replacing package takes the file away (nothing was saved as original_module, since it was a
        // DKMS build): the original is installed per DKMS, its file is gone, and the advice puts it back.
        var gone = Step("uninstall", "kmodpsdiff_replace/2.0", "-k", K).Single(r => r.Package == "kmodpsdiff_test/1.0");
        Assert.Equal(ModuleState.Broken, gone.State);
        Assert.Contains($"'dkms uninstall kmodpsdiff_test/1.0 -k {K}' then 'dkms install kmodpsdiff_test/1.0 -k {K}'", gone.Reason);
        Step("uninstall", "kmodpsdiff_test/1.0", "-k", K);
        Step("install", "kmodpsdiff_test/1.0", "-k", K);
        Step("remove", "kmodpsdiff_replace/2.0", "--all");
        var installed = Compare("before the hand copy").Single(r => r.Package == "kmodpsdiff_test/1.0");
        Shell.Stdout("objcopy", "--strip-debug", installed.Path is { } p ? _world + p : throw new InvalidOperationException("no path"));
        var handmade = Compare("hand-replaced .ko").Single(r => r.Package == "kmodpsdiff_test/1.0");
        Assert.Contains("Diff between built and installed module", handmade.Reason);
        Assert.Contains("replaced outside DKMS", handmade.Reason);
        // The advice works: uninstall then install puts DKMS's build back.
        Step("uninstall", "kmodpsdiff_test/1.0", "-k", K);
        var restored = Step("install", "kmodpsdiff_test/1.0", "-k", K).Single(r => r.Package == "kmodpsdiff_test/1.0");
        Assert.DoesNotContain("Diff", restored.Reason);

        // BUILD_DEPENDS and no autoinstall.
        Step("add", "kmodpsdiff_dep/1.0");
        Step("build", "kmodpsdiff_dep/1.0", "-k", K);
        Step("install", "kmodpsdiff_dep/1.0", "-k", K);
        Step("add", "kmodpsdiff_noauto/1.0");
        Step("build", "kmodpsdiff_noauto/1.0", "-k", K);
        Step("install", "kmodpsdiff_noauto/1.0", "-k", K);

        // Build-exclusive (by architecture, by kernel): dkms refuses with 77; KmodPS says Excluded, advises nothing.
        Step("add", "kmodpsdiff_excl/1.0");
        Step("add", "kmodpsdiff_exclk/1.0");
        var excluded = Step("add", "kmodpsdiff_exclc/1.0");
        Assert.Equal(77, Dkms("build", "kmodpsdiff_excl/1.0", "-k", K).ExitCode);
        Assert.Equal(77, Dkms("build", "kmodpsdiff_exclk/1.0", "-k", K).ExitCode);
        Assert.Equal(77, Dkms("build", "kmodpsdiff_exclc/1.0", "-k", K).ExitCode);
        Assert.Contains("CONFIG_KMODPSDIFF_NEVER is not set", excluded.Single(r => r.Package == "kmodpsdiff_exclc/1.0").Reason);
        foreach (var row in excluded.Where(r => r.Package is "kmodpsdiff_excl/1.0" or "kmodpsdiff_exclk/1.0" or "kmodpsdiff_exclc/1.0"))
        {
            Assert.Equal(ModuleState.Excluded, row.State);
            Assert.False(row.IsProblem);
            Assert.DoesNotContain("dkms install", row.Reason);
        }
        Assert.Equal(4, excluded.Count(r => r.State == ModuleState.Excluded));

        // A failing build: added, the reason points at make.log and never at a 'dkms install' that fails again.
        Step("add", "kmodpsdiff_fail/1.0");
        Assert.Equal(10, Dkms("build", "kmodpsdiff_fail/1.0", "-k", K).ExitCode);
        var failed = Compare("failed build").Single(r => r.Package == "kmodpsdiff_fail/1.0");
        Assert.Equal(ModuleState.Added, failed.State);
        Assert.Contains("make.log", failed.Reason);
        Assert.DoesNotContain("'dkms install", failed.Reason);

        foreach (var package in new[] { "kmodpsdiff_noauto/1.0", "kmodpsdiff_dep/1.0", "kmodpsdiff_test/1.0", "kmodpsdiff_excl/1.0", "kmodpsdiff_exclk/1.0", "kmodpsdiff_exclc/1.0", "kmodpsdiff_fail/1.0" })
        {
            Step("remove", package, "--all");
        }
        Assert.Empty(Compare("all removed"));
    }

    /// <summary>Runs one dkms command (it must succeed) and compares afterwards.</summary>
    private List<ModuleStatus> Step(params string[] arguments)
    {
        var (exit, output) = Dkms(arguments);
        Assert.True(exit == 0, $"dkms {string.Join(' ', arguments)} exited {exit}:\n{output}");
        return Compare("dkms " + string.Join(' ', arguments));
    }

    private (int ExitCode, string Output) Dkms(params string[] arguments) =>
        Shell.Run(Path.Combine(LabEnvironment.LabScripts, "lib", "dkms-world.sh"), TimeSpan.FromMinutes(3), new[] { _world }.Concat(arguments).ToArray());

    /// <summary>dkms status and KmodPS's DKMS rows, reduced to "package kernel state [diff]" lines, must be the same set.</summary>
    private List<ModuleStatus> Compare(string after)
    {
        var text = Shell.Stdout(Path.Combine(LabEnvironment.LabScripts, "lib", "dkms-world.sh"), _world, "status");
        var result = _ps.Run("Get-KernelModuleStatus -Root $root -Provider Dkms -WarningAction SilentlyContinue", new Dictionary<string, object?> { ["root"] = _world });
        Assert.Empty(result.Errors);
        var rows = result.Output.Select(o => (ModuleStatus)o.BaseObject).ToList();
        _output.WriteLine($"== after {after}\n{text.TrimEnd()}\n--\n{string.Join('\n', rows.Select(r => $"{r.Package} {r.Name} {r.State}: {r.Reason}"))}");
        var expected = DkmsStatusParser.Parse(text).Select(l => Line(l.Module + "/" + l.Version, l.KernelVersion ?? K, l.State, l.Note?.Contains("Diff between built and installed module") == true))
            .Order(StringComparer.Ordinal).ToList();
        var actual = rows.Select(r => Line(r.Package ?? "(none)", r.KernelVersion, State(r.State), r.Reason.Contains("Diff between built and installed module")))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(actual), $"after {after}:\ndkms status:\n{string.Join('\n', expected)}\nKmodPS:\n{string.Join('\n', actual)}");
        return rows;
    }

    private static string Line(string package, string kernel, string state, bool diff) => $"{package} {kernel} {state}{(diff ? " diff" : string.Empty)}";

    // What dkms status would print for a row; an excluded version is merely "added" to dkms.
    private static string State(ModuleState state) => state switch
    {
        ModuleState.Added or ModuleState.Excluded => "added",
        ModuleState.Built or ModuleState.Stale => "built",
        _ => "installed",
    };

    /// <summary>
    /// A private world with only the lab's headers kernel: the debian-dkms world's /usr, /boot and a few in-tree modules
    /// hard-linked (dkms never rewrites them), its dkms framework, signing key and package database copied, and an empty DKMS tree.
    /// </summary>
    private void MakeWorld()
    {
        var source = _lab.Dir("debian-dkms");
        Directory.CreateDirectory(Path.Combine(_world, "lib/modules", K));
        Directory.CreateDirectory(Path.Combine(_world, "var/lib/dkms"));
        Shell.Stdout("cp", "-al", Path.Combine(source, "usr"), Path.Combine(_world, "usr"));
        Shell.Stdout("cp", "-al", Path.Combine(source, "boot"), Path.Combine(_world, "boot"));
        Shell.Stdout("cp", "-a", Path.Combine(source, "etc"), Path.Combine(_world, "etc"));
        Shell.Stdout("cp", "-a", Path.Combine(source, "var/lib/dpkg"), Path.Combine(_world, "var/lib/dpkg"));
        foreach (var key in new[] { "mok.key", "mok.pub" })
        {
            Shell.Stdout("cp", "-a", Path.Combine(source, "var/lib/dkms", key), Path.Combine(_world, "var/lib/dkms", key));
        }
        // Of the in-tree modules, kernel/lib is enough (a reference signer and vermagic), and keeps every depmod dkms runs short.
        var modules = Path.Combine(source, "lib/modules", K);
        foreach (var entry in Directory.GetFileSystemEntries(modules).Where(e => Path.GetFileName(e) is not ("updates" or "source" or "kernel")))
        {
            Shell.Stdout("cp", "-a", entry, Path.Combine(_world, "lib/modules", K, Path.GetFileName(entry)));
        }
        Directory.CreateDirectory(Path.Combine(_world, "lib/modules", K, "kernel"));
        Shell.Stdout("cp", "-al", Path.Combine(modules, "kernel/lib"), Path.Combine(_world, "lib/modules", K, "kernel/lib"));
        foreach (var other in Directory.GetFileSystemEntries(Path.Combine(_world, "boot")).Where(e => !e.EndsWith(K, StringComparison.Ordinal))
            .Concat(Directory.GetDirectories(Path.Combine(_world, "usr/src")).Where(d => !Path.GetFileName(d).StartsWith("linux-", StringComparison.Ordinal))))
        {
            Shell.Stdout("rm", "-rf", other);
        }
        Shell.Stdout("depmod", "-b", _world, K);
    }

    /// <summary>A tiny module's source in /usr/src/&lt;package&gt;-&lt;version&gt; of the world, in the shape of dkms's test packages.</summary>
    private void Package(string package, string version, string? module = null, string? extra = null, bool autoinstall = true, bool failing = false)
    {
        module ??= package;
        var directory = Path.Combine(_world, "usr/src", $"{package}-{version}");
        Directory.CreateDirectory(directory);
        var conf = $"PACKAGE_NAME=\"{package}\"\nPACKAGE_VERSION=\"{version}\"\nBUILT_MODULE_NAME[0]=\"{module}\"\nDEST_MODULE_LOCATION[0]=\"/updates/dkms\"\n"
            + $"AUTOINSTALL=\"{(autoinstall ? "yes" : string.Empty)}\"\n" + (failing ? "MAKE=\"make fail\"\n" : string.Empty) + (extra is null ? string.Empty : extra + "\n");
        File.WriteAllText(Path.Combine(directory, "dkms.conf"), conf);
        var names = new[] { module }.Concat(extra?.Contains("BUILT_MODULE_NAME[1]", StringComparison.Ordinal) == true ? new[] { module + "2" } : Array.Empty<string>()).ToList();
        File.WriteAllText(Path.Combine(directory, "Makefile"), string.Join('\n', names.Select(n => $"obj-m += {n}.o")) + "\n"
            + (failing ? "fail:\n\t@echo this module fails to build\n\t@exit 1\n" : string.Empty));
        foreach (var name in names)
        {
            File.WriteAllText(Path.Combine(directory, name + ".c"),
                $"#include <linux/module.h>\nMODULE_LICENSE(\"GPL\");\nMODULE_DESCRIPTION(\"KmodPS dkms differential test module\");\nMODULE_VERSION(\"{version}\");\n");
        }
    }
}
