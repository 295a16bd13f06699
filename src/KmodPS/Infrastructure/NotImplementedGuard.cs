using System.Management.Automation;
using KmodPS.Diagnostics;

namespace KmodPS.Infrastructure;

/// <summary>The terminating error of a cmdlet whose behaviour has not landed yet: never made-up data.</summary>
internal static class NotImplementedGuard
{
    public static ErrorRecord Record(string cmdletName) => ErrorRecordFactory.Create(
        "NotImplemented",
        FailureCategory.NotImplemented,
        $"{cmdletName} is not implemented in this version of KmodPS.",
        cmdletName);
}
