using System.Management.Automation;

namespace KmodPS.Infrastructure;

/// <summary>
/// Whether this invocation is a -WhatIf preview, decided as the engine decides what ShouldProcess answers: -WhatIf
/// when it is bound (also <c>-WhatIf:$false</c>), else <c>$WhatIfPreference</c>. Known before any ShouldProcess call,
/// so that a cmdlet can tell a preview from a run even when nothing needs confirming.
/// </summary>
internal static class WhatIfMode
{
    public static bool IsOn(PSCmdlet cmdlet) =>
        cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)
            ? bound is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(bound)
            : LanguagePrimitives.IsTrue(cmdlet.SessionState.PSVariable.GetValue("WhatIfPreference"));
}
