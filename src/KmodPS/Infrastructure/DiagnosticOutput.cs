using System.Management.Automation;
using KmodPS.Core.Diagnostics;

namespace KmodPS.Infrastructure;

/// <summary>Writes what a Core read collected: its warnings to the warning stream, its failures as non-terminating errors.</summary>
internal static class DiagnosticOutput
{
    public static void Write(Cmdlet cmdlet, DiagnosticLog log)
    {
        foreach (var warning in log.Warnings)
        {
            cmdlet.WriteWarning(warning);
        }
        foreach (var failure in log.Failures)
        {
            cmdlet.WriteError(ErrorRecordFactory.From(failure));
        }
    }
}
