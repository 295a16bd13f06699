using KmodPS.Core.Packages;

namespace KmodPS.Tests.Packages;

public sealed class AptQueryTests
{
    // The shape of `apt-get -s -q dist-upgrade` with a held metapackage and an old kernel going.
    private const string Simulation = """
        Reading package lists...
        Building dependency tree...
        Calculating upgrade...
        The following packages will be REMOVED:
          linux-image-6.1.0-55-amd64
        The following packages have been kept back:
          linux-headers-amd64 linux-image-amd64
        The following NEW packages will be installed:
          linux-image-6.1.0-99-amd64
        1 upgraded, 1 newly installed, 1 to remove and 2 not upgraded.
        Remv linux-image-6.1.0-55-amd64 [6.1.190-1]
        Inst linux-image-6.1.0-99-amd64 (6.1.200-1 Debian:12.13/stable [amd64])
        Conf linux-image-6.1.0-99-amd64 (6.1.200-1 Debian:12.13/stable [amd64])
        """;

    [Fact]
    public void TheSimulationGivesInstallsRemovalsAndWhatIsKeptBack()
    {
        var simulation = AptQuery.ParseSimulation(Simulation);
        Assert.Equal(new[] { "linux-image-6.1.0-99-amd64" }, simulation.Installs);
        Assert.Equal(new[] { "linux-image-6.1.0-55-amd64" }, simulation.Removes);
        Assert.Equal(new[] { "linux-headers-amd64", "linux-image-amd64" }, simulation.KeptBack);
    }
}
