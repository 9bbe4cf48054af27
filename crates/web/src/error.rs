//! How a failure is answered over HTTP: a core [`platform::Error`] becomes a status and a JSON body
//! `{"error": {"status": 404, "code": "not_found", "message": "...", "request_id": "..."}}`. The code is
//! stable (clients branch on it, not on the message); the request id finds the server's log line.
//! Storage and internal failures are logged in full with the request id and answered without their
//! details.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    pub fn unauthenticated(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::FORBIDDEN,
            message: message.into(),
        }
    }

    pub fn internal(message: impl std::fmt::Display) -> ApiError {
        let request_id = crate::server::request_id().unwrap_or_default();
        tracing::error!(error = %message, %request_id, "internal error answering an HTTP request");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "internal error (logged on the server)".into(),
        }
    }
}

impl ApiError {
    /// The HTTP status of an application error (the console's pages answer with the same).
    pub fn status_of(e: &platform::Error) -> StatusCode {
        use platform::Error as E;
        match e {
            E::NotFound(_) => StatusCode::NOT_FOUND,
            E::Invalid(_) => StatusCode::BAD_REQUEST,
            E::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            E::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
            E::Forbidden(_) => StatusCode::FORBIDDEN,
            E::Conflict(_) => StatusCode::CONFLICT,
            E::Storage(store::StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
            E::Storage(store::StoreError::Exists(_)) => StatusCode::CONFLICT,
            E::Storage(_) | E::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<platform::Error> for ApiError {
    fn from(e: platform::Error) -> ApiError {
        let status = ApiError::status_of(&e);
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            return ApiError::internal(e);
        }
        ApiError {
            status,
            message: e.to_string(),
        }
    }
}

impl ApiError {
    /// The stable code of the error's status.
    pub fn code(&self) -> &'static str {
        match self.status.as_u16() {
            400 => "bad_request",
            401 => "unauthenticated",
            403 => "forbidden",
            404 => "not_found",
            405 => "method_not_allowed",
            409 => "conflict",
            413 => "payload_too_large",
            429 => "rate_limited",
            503 => "unavailable",
            500..=599 => "internal",
            _ => "error",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {
            "status": self.status.as_u16(),
            "code": self.code(),
            "message": self.message,
            "request_id": crate::server::request_id(),
        }});
        (self.status, axum::Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_map_to_their_status() {
        let cases = [
            (platform::Error::NotFound("no site \"X\"".into()), 404),
            (platform::Error::invalid("mn \"\""), 400),
            (platform::Error::Forbidden("no".into()), 403),
            (platform::Error::Unauthenticated("who?".into()), 401),
            (platform::Error::Locked { seconds: 60 }, 429),
            (platform::Error::Conflict("taken".into()), 409),
            (platform::Error::Internal("boom".into()), 500),
        ];
        for (e, status) in cases {
            let shown = e.to_string();
            let a = ApiError::from(e);
            assert_eq!(a.status.as_u16(), status);
            let code = [
                "not_found",
                "bad_request",
                "unauthenticated",
                "forbidden",
                "conflict",
                "rate_limited",
                "internal",
            ];
            assert!(code.contains(&a.code()), "{}", a.code());
            if status == 500 {
                assert!(
                    !a.message.contains("boom"),
                    "internal details stay in the log"
                );
            } else {
                assert_eq!(a.message, shown);
            }
        }
    }
}
