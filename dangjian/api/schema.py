"""OpenAPI post-processing: document the error answers every operation can give, so integrators (and the
fuzzer) can rely on the schema for every response, not only the happy path."""

ERROR = {"type": "object", "properties": {"detail": {"type": "string", "description": "错误说明（中文）"}},
         "required": ["detail"]}
FIELD_ERRORS = {
    "type": "object", "description": "字段 → 错误说明列表（中文）；与字段无关的错误在 non_field_errors 下",
    "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]},
}
ANSWERS = {
    "400": ("请求参数或提交的数据有误", {"oneOf": [{"$ref": "#/components/schemas/FieldErrors"},
                                            {"$ref": "#/components/schemas/Error"}]}),
    "401": ("未登录或 Token 无效", {"$ref": "#/components/schemas/Error"}),
    "403": ("无权执行此操作", {"$ref": "#/components/schemas/Error"}),
    "404": ("对象不存在或不在您的管辖范围内（或页码超出范围）", {"$ref": "#/components/schemas/Error"}),
    "405": ("不支持该请求方法", {"$ref": "#/components/schemas/Error"}),
    "406": ("不支持请求的返回格式", {"$ref": "#/components/schemas/Error"}),
    "415": ("不支持的请求内容类型", {"$ref": "#/components/schemas/Error"}),
}


def document_errors(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, (description, schema) in ANSWERS.items():
                if code == "401" and "security" in operation and {} in operation["security"]:
                    continue  # reachable without credentials (the token endpoint): no 401
                responses.setdefault(code, {"description": description,
                                            "content": {"application/json": {"schema": schema}}})
    return result
