namespace KmodPS.Core.Diagnostics;

/// <summary>What kind of failure; the cmdlet layer maps it onto PowerShell's ErrorCategory.</summary>
public enum FailureCategory
{
    ObjectNotFound,
    InvalidArgument,
    InvalidData,
    ReadError,
    WriteError,
    PermissionDenied,
    NotInstalled,
    ResourceUnavailable,
    InvalidOperation,
    OperationTimeout,
    NotImplemented,
    InvalidResult,
    SecurityError,
}
