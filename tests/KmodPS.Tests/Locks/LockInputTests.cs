using KmodPS.Core.Hosts;
using KmodPS.Core.Kernels;
using KmodPS.Core.Locks;
using KmodPS.Core.Platform;

namespace KmodPS.Tests.Locks;

/// <summary>Issue 15 items 6 and 8: releases only, on every family; no exclude broader than one kernel; no write into a store that could not be parsed.</summary>
public sealed class LockInputTests
{
    [Theory]
    [InlineData("amd64")]
    [InlineData("6")]
    [InlineData("-q")]
    [InlineData("--version")]
    [InlineData("linux-image-amd64")]
    public void WhatIsNotAKernelReleaseIsInvalidOnEveryFamily(string value)
    {
        Assert.False(KernelRelease.IsValid(value));
        Assert.False(KernelSelection.IsValidPattern(value));
    }

    [Theory]
    [InlineData("6.1*")]
    [InlineData("*")]
    [InlineData("5.14.0-611.*.el9_7.x86_64")]
    public void WildcardPatternsOfReadsStayValid(string pattern) => Assert.True(KernelSelection.IsValidPattern(pattern));

    [Theory]
    [InlineData("6.1.0")]
    [InlineData("6.1.0-57")]
    public void ADebianExcludeBroaderThanOneAbiIsRefusedAndNothingIsPlanned(string release)
    {
        var plan = LockPlanner.Exclude(LockFixtures.Debian(), new[] { release });
        Assert.Equal("ExcludeTooBroad", Assert.Single(plan.Refusals).ErrorId);
        Assert.Empty(plan.Steps);
    }

    [Theory]
    [InlineData("6.1.0-57-amd64")]
    [InlineData("6.1.0-57-cloud-amd64")]
    [InlineData("6.8.0-45-generic")]
    [InlineData("6.12.25+rpt-rpi-v8")]
    [InlineData("6.9.0-custom")]
    public void ADebianExcludeOfOneAbiIsPlanned(string release)
    {
        var plan = LockPlanner.Exclude(LockFixtures.Debian(), new[] { release });
        Assert.False(plan.IsRefused);
        Assert.NotEmpty(plan.Steps);
    }

    [Fact]
    public void ABinaryVersionlockListIsAWarningNamingItAndNoChangeWritesIntoIt()
    {
        var root = Directory.CreateTempSubdirectory("kmodps-binary-lock-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "etc/dnf/plugins"));
            File.WriteAllBytes(Path.Combine(root, "etc/dnf/plugins/versionlock.list"), new byte[] { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x41, 0x42 });
            var report = new KernelLockReader(new DirectorySystemRoot(root)).Read();
            Assert.Empty(report.Items);
            var warning = Assert.Single(report.Warnings);
            Assert.Contains("versionlock.list cannot be parsed", warning);
            Assert.Contains("not a text file", warning);

            var log = new KmodPS.Core.Diagnostics.DiagnosticLog();
            var stores = new LockStoreReader(new DirectorySystemRoot(root)).Read(log);
            var snapshot = LockFixtures.Alma() with { Stores = stores };
            Assert.Equal("StoreUnparsable", Assert.Single(LockPlanner.Pin(snapshot, "5.14.0-611.45.1.el9_7.x86_64").Refusals).ErrorId);
            Assert.Equal("StoreUnparsable", Assert.Single(LockPlanner.Exclude(snapshot, new[] { "5.14.0-611.49.1.el9_7" }).Refusals).ErrorId);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
