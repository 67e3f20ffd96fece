/* The kiosk's scenes, one line each: ADD_SCENE(name, ID) declares the scene kiosk_scene_<name>
 * (app/kiosk/scenes/scene_<name>.c) and the screen KIOSK_<ID>. Adding a screen is one file there
 * and one line here; the order is the enum's (kiosk_screen) and the checks' order.
 * No include guard: the includer defines ADD_SCENE, includes this file, then undefines it. */
ADD_SCENE(home, HOME)
ADD_SCENE(closed, CLOSED)
ADD_SCENE(services, SERVICES)
ADD_SCENE(public, PUBLIC)
ADD_SCENE(result, RESULT)
ADD_SCENE(checkin, CHECKIN)
ADD_SCENE(checkin_letters, CHECKIN_LETTERS)
ADD_SCENE(checkin_error, CHECKIN_ERROR)
ADD_SCENE(feedback, FEEDBACK)
ADD_SCENE(feedback_reason, FEEDBACK_REASON)
ADD_SCENE(thanks, THANKS)
ADD_SCENE(idle, IDLE)
ADD_SCENE(admin_pin, ADMIN_PIN)
ADD_SCENE(admin, ADMIN)
ADD_SCENE(language, LANGUAGE)
