using System.Management.Automation;
using KmodPS.Core.Diagnostics;

namespace KmodPS.Infrastructure;

/// <summary>Turns Core's typed failures into ErrorRecords with stable ids and honest categories.</summary>
internal static class ErrorRecordFactory
{
    public static ErrorRecord From(Failure failure)
    {
        var record = new ErrorRecord(ExceptionFor(failure), failure.ErrorId, Map(failure.Category), failure.Target);
        if (failure.RecommendedAction is not null)
        {
            record.ErrorDetails = new ErrorDetails(failure.Message) { RecommendedAction = failure.RecommendedAction };
        }
        return record;
    }

    // A RestoreFailed carries the failure that needed the restore as its InnerException, id first, so neither is hidden.
    private static KmodException ExceptionFor(Failure failure) =>
        new(failure.Message, failure.Cause is { } cause ? new KmodException($"{cause.ErrorId}: {cause.Message}", null) : null);

    public static ErrorRecord Create(string errorId, FailureCategory category, string message, object? target) =>
        From(new Failure(errorId, category, message, target));

    private static ErrorCategory Map(FailureCategory category) => category switch
    {
        FailureCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
        FailureCategory.InvalidArgument => ErrorCategory.InvalidArgument,
        FailureCategory.InvalidData => ErrorCategory.InvalidData,
        FailureCategory.ReadError => ErrorCategory.ReadError,
        FailureCategory.WriteError => ErrorCategory.WriteError,
        FailureCategory.PermissionDenied => ErrorCategory.PermissionDenied,
        FailureCategory.NotInstalled => ErrorCategory.NotInstalled,
        FailureCategory.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        FailureCategory.InvalidOperation => ErrorCategory.InvalidOperation,
        FailureCategory.OperationTimeout => ErrorCategory.OperationTimeout,
        FailureCategory.NotImplemented => ErrorCategory.NotImplemented,
        FailureCategory.InvalidResult => ErrorCategory.InvalidResult,
        FailureCategory.SecurityError => ErrorCategory.SecurityError,
        _ => ErrorCategory.NotSpecified,
    };
}
