/** Program-scoped state lives in @hearth/core (one definition, also used for name claims). */
export { perProgram } from "@hearth/core/internal";
