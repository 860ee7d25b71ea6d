import { AppError } from "#core/errors.js";

console.log(new AppError("x.y", "hello").code);
