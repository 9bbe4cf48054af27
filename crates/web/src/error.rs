//! How a failure is answered over HTTP: a core [`platform::Error`] becomes a status and a JSON body
//! `{"error": {"status": 404, "message": "..."}}`. Storage and internal failures are logged in full and
//! answered without their details.

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

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::FORBIDDEN,
            message: message.into(),
        }
    }

    pub fn internal(message: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %message, "internal error answering an HTTP request");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "internal error (logged on the server)".into(),
        }
    }
}

impl From<platform::Error> for ApiError {
    fn from(e: platform::Error) -> ApiError {
        use platform::Error as E;
        let status = match &e {
            E::NotFound(_) => StatusCode::NOT_FOUND,
            E::Invalid(_) => StatusCode::BAD_REQUEST,
            E::Forbidden(_) => StatusCode::FORBIDDEN,
            E::Conflict(_) => StatusCode::CONFLICT,
            E::Storage(store::StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
            E::Storage(_) | E::Internal(_) => return ApiError::internal(e),
        };
        ApiError {
            status,
            message: e.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"status": self.status.as_u16(), "message": self.message}});
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
            (platform::Error::Invalid("mn \"\"".into()), 400),
            (platform::Error::Forbidden("no".into()), 403),
            (platform::Error::Conflict("taken".into()), 409),
            (platform::Error::Internal("boom".into()), 500),
        ];
        for (e, status) in cases {
            let shown = e.to_string();
            let a = ApiError::from(e);
            assert_eq!(a.status.as_u16(), status);
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
