using KmodPS.Core.Diagnostics;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
using KmodPS.Tests.Locks;

namespace KmodPS.Tests.Packages;

/// <summary>A test root's answer file is one package backend, chosen with the others in one place; rpm, dpkg, dnf and apt never see it.</summary>
public sealed class PackageBackendTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "kmodps-backend-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ATestRootAnswersForDnfAndAptWithoutRunningThem()
    {
        var answers = new TestRootAnswers
        {
            Available = { new AvailablePackageAnswer { Name = "kernel-core", Version = "5.14.0", Release = "611.49.1.el9_7" } },
            Installed = { new InstalledPackageAnswer { Package = "linux-image-6.1.0-55-amd64", Files = { "/boot/vmlinuz-6.1.0-55-amd64" } } },
            Upgrade = { "linux-image-6.1.0-56-amd64" },
        };
        var path = Path.Combine(_root, TestRootAnswers.FilePath.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, answers.ToJson());
        var root = new DirectorySystemRoot(_root);
        var runner = new FakeDnfRunner();
        var log = new DiagnosticLog();

        var backend = PackageBackend.Of(root);
        var rpm = backend.Rpm(runner);
        var apt = backend.Apt(runner);

        Assert.Equal("kernel-core", Assert.Single(rpm.Query(new[] { "kernel-core" }, offline: true, log)!.Available).Name);
        Assert.Equal(new[] { "linux-image-6.1.0-56-amd64" }, apt.SimulateUpgrade(log)!.Installs);
        var owners = backend.Ownership(HostFamily.Debian, runner, "/boot/")!.FindOwners(new[] { "/boot/vmlinuz-6.1.0-55-amd64", "/boot/config-6.1.0-55-amd64" }, log);
        Assert.Equal("linux-image-6.1.0-55-amd64", Assert.Single(owners).Value);
        Assert.Equal(new[] { "linux-image-6.1.0-55-amd64" }, apt.Available(new[] { "linux-image-6.1.0-55-amd64", "linux-image-6.1.0-57-amd64" }, log));
        Assert.Empty(runner.Requests);
        Assert.Empty(log.Failures);
    }

    [Fact]
    public void AnyOtherRootGetsItsPackageManager()
    {
        Directory.CreateDirectory(_root);
        var root = new DirectorySystemRoot(_root);

        var backend = PackageBackend.Of(root);

        Assert.IsType<DnfQuery>(backend.Rpm(new FakeDnfRunner()));
        Assert.IsType<AptQuery>(backend.Apt(new FakeDnfRunner()));
        Assert.Null(backend.Ownership(HostFamily.Debian, new FakeDnfRunner()));
    }
}
