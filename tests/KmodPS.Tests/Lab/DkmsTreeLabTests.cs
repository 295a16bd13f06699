using KmodPS.Core.Dkms;
using KmodPS.Core.Platform;
using Xunit.Abstractions;

namespace KmodPS.Tests.Lab;

[Collection(LabCollection.Name)]
public sealed class DkmsTreeLabTests
{
    private readonly LabWorlds _lab;
    private readonly ITestOutputHelper _output;

    public DkmsTreeLabTests(LabWorlds lab, ITestOutputHelper output)
    {
        _lab = lab;
        _output = output;
    }

    [LabFact]
    public void TreeReaderAgreesWithRealDkmsStatus()
    {
        var world = _lab.Dir("debian-dkms");
        var status = Shell.Stdout(Path.Combine(LabEnvironment.LabScripts, "lib", "dkms-world.sh"), world, "status");
        _output.WriteLine(status);
        var expected = DkmsStatusParser.Parse(status).Select(l => $"{l.Module}/{l.Version} {l.KernelVersion} {l.Arch}: {l.State}").Order().ToList();
        var report = new DkmsTreeReader(new DirectorySystemRoot(world)).Read();
        var actual = report.Items.Select(e => $"{e.Module}/{e.Version} {e.KernelVersion} {e.Arch}: {StateName(e.State)}").Order().ToList();
        Assert.True(expected.Count >= 3, "the debian-dkms world should have added, built and installed entries");
        Assert.Equal(expected, actual);
        Assert.Contains(actual, a => a.EndsWith(": added", StringComparison.Ordinal));
        Assert.Contains(actual, a => a.EndsWith(": built", StringComparison.Ordinal));
        Assert.Contains(actual, a => a.EndsWith(": installed", StringComparison.Ordinal));
    }

    private static string StateName(DkmsState state) => state switch
    {
        DkmsState.Added => "added",
        DkmsState.Built => "built",
        DkmsState.Installed => "installed",
        DkmsState.InstalledWeak => "installed-weak",
        _ => state.ToString(),
    };
}
